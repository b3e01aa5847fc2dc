# cmake -DINPUT=file.cl -DOUTPUT=file.cl.h -DSYMBOL=name -P embed_source.cmake
# Writes `static const char NAME[] = {bytes..., 0};` so that kernels need no file at run time.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT}; do not edit. */\nstatic const char ${SYMBOL}[] = {\n${bytes}0x00};\n")
