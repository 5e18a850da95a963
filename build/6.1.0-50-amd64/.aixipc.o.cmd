cmd_/work/main/build/6.1.0-50-amd64/aixipc.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/build/6.1.0-50-amd64/aixipc.o @/work/main/build/6.1.0-50-amd64/aixipc.mod 
