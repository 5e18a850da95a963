/work/main/build/6.1.0-50-amd64/module/main.o
/work/main/build/6.1.0-50-amd64/module/ids.o
/work/main/build/6.1.0-50-amd64/module/msg.o
