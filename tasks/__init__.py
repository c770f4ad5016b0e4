"""The suite's tasks: one sub-package per scientific use case, each exposing ``TASK``."""
