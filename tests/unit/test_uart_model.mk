test_uart_model_SRCS := kernel/vm/uart_model.c kernel/vm/gconsole.c
