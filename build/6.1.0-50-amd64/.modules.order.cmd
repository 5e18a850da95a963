cmd_/work/main/build/6.1.0-50-amd64/modules.order := {   echo /work/main/build/6.1.0-50-amd64/aixipc.ko; :; } > /work/main/build/6.1.0-50-amd64/modules.order
