"""Every public name is documented the same way: numpy-style sections, and an example the doctest run executes."""

import inspect

import journeykit as jk

SECTIONS = ("Parameters", "Returns", "Raises", "Examples")


def public():
    for name in jk.__all__:
        value = getattr(jk, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            yield name, value


def sections_missing(value) -> list[str]:
    doc = inspect.getdoc(value) or ""
    wanted = list(SECTIONS)
    if inspect.isclass(value):
        wanted.remove("Returns")
        if issubclass(value, Exception):
            wanted.remove("Raises")
    try:
        takes = [p for p in inspect.signature(value).parameters.values() if p.name != "self"]
    except ValueError:  # a class with the built-in constructor: no parameters of its own
        takes = []
    if not takes:
        wanted.remove("Parameters")
    return [section for section in wanted if f"{section}\n{'-' * len(section)}" not in doc]


def test_every_public_name_has_parameters_returns_raises_and_examples():
    gaps = {name: missing for name, value in public() if (missing := sections_missing(value))}
    assert not gaps, "docstrings without these sections:\n" + "\n".join(f"  jk.{n}: {', '.join(m)}"
                                                                          for n, m in sorted(gaps.items()))


def test_sections_come_in_numpy_order():
    for name, value in public():
        doc = inspect.getdoc(value) or ""
        found = [doc.index(f"\n{s}\n{'-' * len(s)}") for s in SECTIONS if f"\n{s}\n{'-' * len(s)}" in doc]
        assert found == sorted(found), f"jk.{name}: sections out of order"


def test_the_check_sees_a_gap():
    def undocumented(events, *, window="7D"):
        """Say nothing useful."""

    assert sections_missing(undocumented) == list(SECTIONS)
