"""What demo plugs into the app (lms/core/features.py): `flask demo`."""

from lms.core.features import Feature
from lms.demo.cli import demo_command

feature = Feature("demo", commands=(demo_command,))
