"""The WeChat service-account channel: conversation messages inside the window, notices outside."""
