"""What auth plugs into the app (lms/core/features.py): sign-in pages and who manages whom."""

from lms.auth import permissions
from lms.auth.views import bp
from lms.core.features import Feature

feature = Feature("auth", blueprints=(bp,), rules={"manage_person": permissions.manages})
