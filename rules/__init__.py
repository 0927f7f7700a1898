"""The default rule set, shipped inside the package (found through importlib.resources).

`gradegate init DIR` copies these files out for analysts to edit; this module only makes
the folder a package so that the wheel and an editable install locate it the same way.
"""
