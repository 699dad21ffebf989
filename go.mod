module github.com/http-from-tcp/tutorial

go 1.24

require github.com/google/go-cmp v0.7.0
