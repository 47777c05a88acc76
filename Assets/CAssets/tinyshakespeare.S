// tinyshakespeare.txt.gz, linked into the binary as read-only bytes: the default corpus needs no file beside the
// executable and no download. `.incbin` finds the file through the target's header search path (".").
    .section .rodata
    .global autobw_tinyshakespeare_gz
    .type autobw_tinyshakespeare_gz, @object
    .balign 16
autobw_tinyshakespeare_gz:
    .incbin "tinyshakespeare.txt.gz"
autobw_tinyshakespeare_gz_end:
    .size autobw_tinyshakespeare_gz, autobw_tinyshakespeare_gz_end - autobw_tinyshakespeare_gz
    .global autobw_tinyshakespeare_gz_size
    .type autobw_tinyshakespeare_gz_size, @object
    .balign 8
autobw_tinyshakespeare_gz_size:
    .quad autobw_tinyshakespeare_gz_end - autobw_tinyshakespeare_gz
    .size autobw_tinyshakespeare_gz_size, 8
    .section .note.GNU-stack,"",@progbits
