console.log("T");
