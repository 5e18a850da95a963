/work/main/build/6.12.95+deb12-amd64/module/main.o
/work/main/build/6.12.95+deb12-amd64/module/ids.o
/work/main/build/6.12.95+deb12-amd64/module/msg.o
