"""The problems app's pages: the desk's problem list, problem page and panels."""
