const lines = require("fs").readFileSync(0, "utf8").split("\n");
const n = parseInt(lines[0], 10);
const s = lines[1].trim();
const t = [...s].filter((c) => c === "T").length;
const a = n - t;
console.log(t !== a ? (t > a ? "T" : "A") : s[n - 1] === "T" ? "A" : "T");
