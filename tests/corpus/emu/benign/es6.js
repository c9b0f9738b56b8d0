// modern syntax the interpreter does not read (let, arrow functions): not emulated
let total = [1, 2, 3].map((x) => x * 2).reduce((a, b) => a + b, 0);
console.log(`total ${total}`);
