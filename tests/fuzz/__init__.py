"""Fuzzing support for tests/test_fuzz.py: program generators (gen.py), the
in-process harness that classifies what the interpreter did with a program
(harness.py), and corpus/ -- inputs that once broke the interpreter, kept as
regression tests."""
