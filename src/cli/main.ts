#!/usr/bin/env node
// Placeholder: the command-line checker (issue 8) replaces this.
process.stderr.write("secure-deployment-zones check: not implemented yet\n");
process.exit(2);
