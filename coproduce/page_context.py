"""What a Wagtail page shows beyond its own fields, built outside its model.

Page models are models: features' selectors and services query them, so a page model may not
import those (that was the import circle). What a page shows is built by its feature's
`pages.py` and registered in the feature's `wagtail_hooks.py` under the hook named
`page_context:<app_label>.<model_name>`; the model only asks for it. Wagtail loads every app's
`wagtail_hooks` on the first `hooks.get_hooks` call, so the builders are there before any page
is served or previewed."""

from wagtail import hooks


def hook_name(model) -> str:
    return f"page_context:{model._meta.label_lower}"


class ContextFromHooks:
    """Mix into a `Page` model whose template needs more than the page's fields."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        for build in hooks.get_hooks(hook_name(type(self))):
            context.update(build(page=self, request=request))
        return context
