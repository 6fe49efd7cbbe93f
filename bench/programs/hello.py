# Twin of hello.mpl: CPython start-up plus one print.
print("Hello, world!")
