# Your own cache rules (written once by generator-portal, then yours: re-runs never touch this file).
# default.vcl includes it before its own subroutines, so code you add to a built-in subroutine here runs
# first; return from it to decide, or fall through to the generated rules. Example:
#
# sub vcl_recv {
#     if (req.url ~ "^/legacy-tiles/") {
#         return (synth(410, "Gone"));
#     }
# }
