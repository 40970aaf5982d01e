"""YAML that remembers lines (so every content problem names one), and the front matter of a Markdown file."""
import re

import yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n?(.*)\Z", re.S)


class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A YAML loader that remembers the line of each mapping and each of its keys (libyaml's parser when PyYAML
    has it: ten times faster on a course's hundreds of files)."""


class LineDict(dict):
    line = None
    key_lines: dict = {}


def _construct_mapping(loader, node):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
