# make run's choice of machine (tools/run.sh --choose), against made-up hosts.
test_run_choice_SRCS :=
