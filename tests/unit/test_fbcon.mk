# The screen consoles and their font; the test includes tools/fbtext.c itself.
test_fbcon_SRCS := kernel/drivers/font.c kernel/drivers/fbcon.c kernel/drivers/vgacon.c
