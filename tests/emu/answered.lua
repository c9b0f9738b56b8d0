-- answered.lua - FM_MSG (a message file) gets an end-of-message reply from the daemon
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_MSG")))
local r = mt.getreply(conn)
if r == nil then fm.fail("no reply") end
if os.getenv("FM_WANT") == "reject" and r ~= SMFIR_REPLYCODE then
    fm.fail("not rejected: reply " .. tostring(r))
end
mt.disconnect(conn)
