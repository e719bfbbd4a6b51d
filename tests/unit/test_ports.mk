test_ports_SRCS := kernel/vm/ports.c kernel/vm/uart_model.c kernel/vm/gconsole.c
