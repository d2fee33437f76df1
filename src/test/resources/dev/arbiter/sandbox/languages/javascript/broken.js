console.log("T";
