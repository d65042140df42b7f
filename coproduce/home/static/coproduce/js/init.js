// Starts NHS.UK frontend's components. A module file, not inline script: the
// Content-Security-Policy forbids inline script.
import { initAll } from "../../wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
