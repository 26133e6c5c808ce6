#!/bin/sh
# run.sh - make check-cluster: the README's scale-out recipes, end to end,
# on the real engines brought up on loopback only, each in its own part
# of a temporary directory: GNU parallel over two sshd on 127.0.0.1, a
# Dask scheduler and two workers on 127.0.0.1, and a one-node SLURM
# cluster (slurmctld, slurmd, munged) bound to 127.0.0.1. Every daemon
# it starts is stopped by its PID at the end; nothing outside the
# directory is written. Each recipe's output is compared with a serial
# run byte for byte. LRELU names the binary; ROWS the size of the test
# file (the timings at the end are for it).
set -u
cd "$(dirname "$0")/../.." || exit 3
LRELU=${LRELU:-$(pwd)/lrelu}
ROWS=${ROWS:-200000}
PARTS=${PARTS:-4}
T=$(mktemp -d "${TMPDIR:-/tmp}/lrelu-cluster.XXXXXX")
pids=
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	sleep 1
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap stop_all EXIT
trap 'exit 3' INT TERM
# seconds COMMAND...: runs it, prints its wall time
seconds() {
	t0=$(date +%s.%N)
	"$@"
	r=$?
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l | awk '{ printf "%.2f", $1 }' >"$T/time"
	return $r
}
# a free TCP port on 127.0.0.1
port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: waits up to 60 s for something to listen on
# 127.0.0.1:PORT (a daemon just started; a loaded machine is slow)
wait_port() {
	/usr/bin/python3 - "$1" <<'EOF'
import socket, sys, time
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        break
    except OSError:
        time.sleep(0.1)
EOF
}

echo "making a CSV and an NDJSON file of $ROWS rows in $T"
awk -v rows="$ROWS" 'BEGIN { srand(11); print "a,b,c,d,e"
	for (r = 0; r < rows; r++) printf "%.6f,%.6f,%.6f,%.6f,%.6f\n", rand()*20-10, rand()*20-10,
		rand()*20-10, rand()*20-10, rand()*20-10 }' >"$T/big.csv"
tail -n +2 "$T/big.csv" | awk '{ printf "{\"x\":[%s]}\n", $0 }' >"$T/big.ndjson"
seconds "$LRELU" -s 0.2 -o "$T/serial.csv" "$T/big.csv"
serial_csv=$(cat "$T/time")
seconds "$LRELU" -s 0.2 -o "$T/serial.ndjson" "$T/big.ndjson"
serial_ndjson=$(cat "$T/time")
echo "serial: CSV ${serial_csv} s, NDJSON ${serial_ndjson} s"

# ---- GNU parallel over ssh: two sshd on 127.0.0.1 ----
mkdir -p "$T/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host" && ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/user"
cp "$T/ssh/user.pub" "$T/ssh/authorized_keys"
chmod 600 "$T/ssh/authorized_keys"
chmod 700 "$T/ssh"
hosts=
for n in 1 2; do
	p=$(port)
	# sshd wants its privilege separation directory in /run: a /run of
	# its own, in a mount namespace of its own, leaves the real one alone
	unshare -m sh -c 'mount -t tmpfs none /run && mkdir -m 755 /run/sshd && exec "$@"' sshd \
		/usr/sbin/sshd -D -e -p "$p" -o ListenAddress=127.0.0.1 -h "$T/ssh/host" \
		-o AuthorizedKeysFile="$T/ssh/authorized_keys" -o PidFile=none -o UsePAM=no \
		-o StrictModes=no -o PasswordAuthentication=no -o PermitRootLogin=yes \
		-o PubkeyAuthentication=yes 2>"$T/ssh/sshd$n.log" &
	pids="$pids $!"
	ports="${ports:-} $p"
	hosts="$hosts,ssh -p $p -i $T/ssh/user -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes root@127.0.0.1"
done
hosts=${hosts#,}
for p in $ports; do wait_port "$p"; done
# the recipe: each host reads its part of the shared file in place
for f in csv ndjson; do
	if seconds parallel --keep-order -j 1 -S "$hosts" \
		"'$LRELU' -s 0.2 --part {}/$PARTS '$T/big.$f'" ::: $(seq "$PARTS") >"$T/ssh.$f" 2>"$T/ssh.err" &&
		cmp -s "$T/ssh.$f" "$T/serial.$f"; then
		ok "GNU parallel -S, two sshd on 127.0.0.1, --part k/$PARTS of $f ($(cat "$T/time") s)"
	else
		bad "GNU parallel over ssh, $f: $(head -c 300 "$T/ssh.err")"
	fi
done
# without a shared file system: parallel --pipepart cuts the file
if seconds parallel --keep-order -S "$hosts" --pipepart -a "$T/big.ndjson" --block -1 \
	"'$LRELU' -s 0.2 -f ndjson" >"$T/pipepart.ndjson" 2>"$T/ssh.err" &&
	cmp -s "$T/pipepart.ndjson" "$T/serial.ndjson"; then
	ok "GNU parallel -S --pipepart, ndjson ($(cat "$T/time") s)"
else
	bad "GNU parallel --pipepart over ssh: $(head -c 300 "$T/ssh.err")"
fi

# ---- Dask: a scheduler and two workers on 127.0.0.1 ----
dport=$(port)
dask scheduler --host 127.0.0.1 --port "$dport" --dashboard-address 127.0.0.1:0 \
	>"$T/dask-scheduler.log" 2>&1 &
pids="$pids $!"
wait_port "$dport"
for n in 1 2; do
	dask worker "tcp://127.0.0.1:$dport" --host 127.0.0.1 --nworkers 1 --nthreads 1 \
		--dashboard-address 127.0.0.1:0 --local-directory "$T/dask$n" >"$T/dask-worker$n.log" 2>&1 &
	pids="$pids $!"
done
sleep 5
cat >"$T/dask_recipe.py" <<EOF
import subprocess, sys
from dask.distributed import Client

client = Client("tcp://127.0.0.1:$dport", timeout=30)
lrelu, path, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])

def part(k):
    out = "%s.part%d" % (path, k)
    subprocess.run([lrelu, "-s", "0.2", "--part", "%d/%d" % (k, parts), "-o", out, path], check=True)
    return out

with open(sys.argv[4], "wb") as w:
    for out in client.gather(client.map(part, range(1, parts + 1))):
        with open(out, "rb") as r:
            w.write(r.read())
EOF
for f in csv ndjson; do
	if seconds /usr/bin/python3 "$T/dask_recipe.py" "$LRELU" "$T/big.$f" "$PARTS" "$T/dask.$f" \
		2>"$T/dask.err" && cmp -s "$T/dask.$f" "$T/serial.$f"; then
		ok "Dask, a scheduler and two workers on 127.0.0.1, client.map over $PARTS parts of $f ($(cat "$T/time") s)"
	else
		bad "Dask, $f: $(tail -c 400 "$T/dask.err")"
	fi
done

# ---- SLURM: one node, on 127.0.0.1 ----
S=$T/slurm
mkdir -p "$S/state" "$S/spool" "$S/log" "$S/munge"
chmod 700 "$S/munge"
dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$S/munge/munge.key"
munged --key-file="$S/munge/munge.key" --socket="$S/munge/munge.socket" \
	--pid-file="$S/munge/munged.pid" --log-file="$S/munge/munged.log" \
	--seed-file="$S/munge/munged.seed" --force -F 2>"$S/munge/munged.err" &
pids="$pids $!"
cport=$(port)
dport2=$(port)
cat >"$S/slurm.conf" <<EOF
ClusterName=lrelu
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$cport
SlurmdPort=$dport2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/munge.socket
CredType=cred/munge
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool/%n
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$S/slurm.conf"
sleep 1
slurmctld -D -f "$S/slurm.conf" >"$S/log/slurmctld.out" 2>&1 &
pids="$pids $!"
sleep 2
slurmd -D -f "$S/slurm.conf" -N localhost >"$S/log/slurmd.out" 2>&1 &
pids="$pids $!"
up=0
for i in $(seq 60); do
	sinfo -h -o %t 2>/dev/null | grep -q idle && { up=1; break; }
	sleep 1
done
if [ "$up" -eq 0 ]; then
	bad "SLURM did not come up: $(tail -n 5 "$S/log/slurmctld.log" "$S/log/slurmd.log" 2>&1 | tr '\n' ' ')"
else
	# the recipe: a job array, task k writes part k
	for f in csv ndjson; do
		mkdir -p "$S/out.$f"
		cat >"$S/job.$f.sh" <<EOF
#!/bin/sh
#SBATCH --array=1-$PARTS
#SBATCH --output=$S/log/job-%a.out
exec '$LRELU' -s 0.2 --part "\$SLURM_ARRAY_TASK_ID/$PARTS" -o "$S/out.$f/part-\$SLURM_ARRAY_TASK_ID.$f" '$T/big.$f'
EOF
		t0=$(date +%s.%N)
		job=$(sbatch --parsable "$S/job.$f.sh" 2>"$S/sbatch.err")
		if [ -z "$job" ]; then
			bad "sbatch, $f: $(cat "$S/sbatch.err")"
			continue
		fi
		for i in $(seq 120); do
			[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
			sleep 0.5
		done
		t1=$(date +%s.%N)
		k=1
		: >"$S/joined.$f"
		while [ "$k" -le "$PARTS" ]; do
			cat "$S/out.$f/part-$k.$f" >>"$S/joined.$f" 2>/dev/null
			k=$((k + 1))
		done
		if cmp -s "$S/joined.$f" "$T/serial.$f"; then
			ok "SLURM job array of $PARTS tasks (slurmctld, slurmd, munged on 127.0.0.1), $f ($(echo "$t1 - $t0" | bc -l | awk '{ printf "%.2f", $1 }') s)"
		else
			bad "SLURM job array, $f: the joined parts differ ($(cat "$S"/log/job-*.out 2>/dev/null | head -c 300))"
		fi
	done
	# many small files per task, batched with -o DIR/
	mkdir -p "$S/small" "$S/small.out"
	for n in $(seq 1 20); do head -n $((n * 7 + 2)) "$T/big.csv" >"$S/small/f$n.csv"; done
	cat >"$S/batch.sh" <<EOF
#!/bin/sh
#SBATCH --array=1-2
#SBATCH --output=$S/log/batch-%a.out
ls '$S/small'/*.csv | awk -v k="\$SLURM_ARRAY_TASK_ID" 'NR % 2 == k - 1' |
	xargs '$LRELU' -s 0.2 -o '$S/small.out/'
EOF
	job=$(sbatch --parsable "$S/batch.sh" 2>"$S/sbatch.err")
	for i in $(seq 120); do
		[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
		sleep 0.5
	done
	good=1
	for n in $(seq 1 20); do
		"$LRELU" -s 0.2 "$S/small/f$n.csv" | cmp -s - "$S/small.out/f$n.csv" || good=0
	done
	if [ "$good" -eq 1 ]; then
		ok "SLURM job array of 2 tasks, 20 small files batched with -o DIR/"
	else
		bad "SLURM batch of small files: $(cat "$S"/log/batch-*.out 2>/dev/null | head -c 300)"
	fi
fi

echo "serial on this machine: CSV ${serial_csv} s, NDJSON ${serial_ndjson} s ($ROWS rows each)"
[ "$fail" -eq 0 ] && echo "check-cluster: all recipes agree with the serial run" ||
	echo "check-cluster: FAILED"
exit "$fail"
