# Runs a command in a pseudo-terminal (a real TTY, as a person's shell gives it), waits until a file
# exists, types Ctrl-C (the terminal sends SIGINT to the foreground process group), and prints the
# command's terminal output followed by a last line "EXIT <code>".
import os, pty, select, sys, time

wait_file, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b''
def pump(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    out += data
    return True

start = time.time()
while not os.path.exists(wait_file) and time.time() - start < 120:
    if not pump(0.1):
        break
time.sleep(0.5)
os.write(fd, b'\x03')
while time.time() - start < 180 and pump(0.2):
    pass
_, status = os.waitpid(pid, 0)
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
sys.stdout.write(out.decode('utf-8', 'replace'))
sys.stdout.write(f'\nEXIT {code}\n')
