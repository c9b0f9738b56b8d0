// hostile test: sleeps in a loop waiting for a time that never comes on a sandbox clock
var t0 = new Date().getTime();
while (new Date().getTime() - t0 < 3600000) WScript.Sleep(1);
new ActiveXObject("WScript.Shell").Run("cmd /c echo inert-after-sleep", 0);
