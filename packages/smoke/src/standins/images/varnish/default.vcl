# The stand-in's default: no backend, as the image's until a VCL is mounted over it.
vcl 4.1;

backend default none;
