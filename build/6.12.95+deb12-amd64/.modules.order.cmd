savedcmd_/work/main/build/6.12.95+deb12-amd64/modules.order := {   echo /work/main/build/6.12.95+deb12-amd64/aixipc.o; :; } > /work/main/build/6.12.95+deb12-amd64/modules.order
