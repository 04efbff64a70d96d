"""What main plugs into the app (lms/core/features.py): each role's home, the language switch."""

from lms.core.features import Feature
from lms.main.views import bp

feature = Feature("main", blueprints=(bp,))
