import sys

from bench.rooms import main

sys.exit(main())
