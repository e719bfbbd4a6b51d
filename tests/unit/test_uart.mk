# uart.c is compiled by the test itself, with port I/O going to a model.
test_uart_SRCS :=
