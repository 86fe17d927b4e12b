import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { CLI_COMMAND, ROOT, runCli, runInProcess, tempDir } from "./run-cli";

/** A Terraform JSON configuration with `n` NSG rules that open RDP to the Internet (one error each). */
function manyFindings(n: number): string {
  // One NSG per rule: each rule decides for its own NSG, so each is its own finding (one finding per problem).
  const rules: Record<string, unknown> = {};
  const nsgs: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    nsgs[`nsg${i}`] = { name: `nsg${i}`, location: "westeurope", resource_group_name: "rg" };
    rules[`rdp${i}`] = {
      name: `rdp${i}`, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*",
      destination_port_range: "3389", source_address_prefix: "Internet", destination_address_prefix: "*", resource_group_name: "rg", network_security_group_name: `nsg${i}`,
    };
  }
  return JSON.stringify({ resource: { azurerm_network_security_group: nsgs, azurerm_network_security_rule: rules } });
}

describe("input is bounded: regular files and standard input only, with a size cap", () => {
  test("a FIFO without a writer is refused at once (child process, no hang)", () => {
    const dir = tempDir();
    const fifo = path.join(dir, "plan.json");
    execFileSync("mkfifo", [fifo]);
    const r = runCli(["check", fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: error: ${fifo}: cannot read: a named pipe (FIFO); only regular files and standard input are read\n`);
  });

  test("a FIFO with an input name inside a scanned folder is refused too", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ resource: {} }));
    execFileSync("mkfifo", [path.join(dir, "zz.tf.json")]);
    const r = runInProcess(["check", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, "zz.tf.json")}: cannot read: a named pipe (FIFO)`);
  });

  test("/dev/zero is refused at once, as a path and as standard input (child process, no hang)", () => {
    const asPath = runCli(["check", "/dev/zero"]);
    expect(asPath.code).toBe(2);
    expect(asPath.stderr).toBe("secure-deployment-zones: error: /dev/zero: cannot read: a device; only regular files and standard input are read\n");
    const fd = fs.openSync("/dev/zero", "r");
    try {
      const asStdin = runCli(["check", "-"], { stdin: fd });
      expect(asStdin.code).toBe(2);
      expect(asStdin.stderr).toBe("secure-deployment-zones: error: (stdin): standard input is a device: only regular files, pipes and sockets are read\n");
    } finally {
      fs.closeSync(fd);
    }
  });

  test("a socket is refused", async () => {
    const dir = tempDir();
    const socket = path.join(dir, "main.tf.json");
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const r = runInProcess(["check", socket]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`secure-deployment-zones: error: ${socket}: cannot read: a socket; only regular files and standard input are read\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a file over --max-input-size is unusable (exit 2); at the limit it is read", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    const text = manyFindings(3);
    fs.writeFileSync(file, text);
    const over = runInProcess(["check", file, "--max-input-size", String(text.length - 1)]);
    expect(over.code).toBe(2);
    expect(over.stderr).toBe(`secure-deployment-zones: error: ${file}: cannot read: larger than the input limit of ${text.length - 1} bytes (raise it with --max-input-size)\n`);
    expect(runInProcess(["check", file, `--max-input-size=${text.length}`]).code).toBe(1);
  });

  test("standard input over the limit is unusable without reading it all", () => {
    const r = runCli(["check", "-", "--max-input-size", "1KiB"], { input: " ".repeat(5000) + "{}" });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("secure-deployment-zones: error: (stdin): cannot read: larger than the input limit of 1 KiB (raise it with --max-input-size)\n");
  });

  test.each([["0"], ["ten"], ["5XB"], ["-1"]])("--max-input-size %s is a usage error", (value) => {
    const r = runInProcess(["check", "clean", "--max-input-size", value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--max-input-size must be a size such as 512MiB, 2GiB or 100000000, not ${JSON.stringify(value)}`);
  });
});

describe("a closed standard output ends the check quietly with its own exit code", () => {
  test("check x | head -c1: no EPIPE stack trace, exit code 1 (findings)", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, manyFindings(600)); // well over a pipe buffer (64 KiB) of output
    const quoted = CLI_COMMAND.map((a) => `'${a}'`).join(" ");
    const r = spawnSync("bash", ["-c", `${quoted} check '${file}' --format json | head -c1 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") }, timeout: 110_000,
    });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe("status=1\n");
  });
});
