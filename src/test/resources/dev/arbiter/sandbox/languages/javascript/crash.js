const winner = undefined;
console.log(winner.name);
