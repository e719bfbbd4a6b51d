# Replaces what lies between "LAB <lab> BEGIN: fname(): what" and
# "LAB <lab> END" (both C comments, kept) with a call that says what is
# missing and stops skiff (kernel/lab.h); adds the header that call needs
# before the file's first #include.  Run by tools/labs/mklab.sh.
BEGIN { inside = 0; included = 0; stubs = 0 }
!included && /^#include / {
	print "#include \"lab_stub.h\"\t/* make lab " lab ": the exercises below are stubs */"
	included = 1
}
{
	if (!inside && index($0, "/* LAB " lab " BEGIN: ")) {
		print
		text = $0
		sub(/^.*LAB [0-9]+ BEGIN: /, "", text)
		sub(/ *\*\/ *$/, "", text)
		fname = text
		sub(/: .*$/, "", fname)
		what = substr(text, length(fname) + 3)
		gsub(/["\\]/, "", what)
		match($0, /^[\t ]*/)
		print substr($0, 1, RLENGTH) "lab_missing(\"" lab "\", \"" fname "\", \"" what "\");"
		inside = 1
		stubs++
		next
	}
	if (inside && index($0, "/* LAB " lab " END */")) {
		inside = 0
	}
	if (!inside)
		print
}
END {
	if (inside) { print FILENAME ": LAB " lab " BEGIN without its END" > "/dev/stderr"; exit 1 }
	if (!included && stubs) { print FILENAME ": no #include to put lab_stub.h before" > "/dev/stderr"; exit 1 }
}
