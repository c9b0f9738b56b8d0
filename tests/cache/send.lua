-- send.lua - one message (FM_FILE) through the daemon at FM_SOCK; FM_EXPECT is the
-- result wanted: reject or tempfail (an SMTP reply is set) or accept (none)
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_FILE")))
local want = os.getenv("FM_EXPECT")
-- which code (550 or 451) the caller reads from the daemon's log line (action=...)
if want == "reject" or want == "tempfail" then
    if mt.getreply(conn) ~= SMFIR_REPLYCODE then fm.fail("no SMTP reply: " .. mt.getreply(conn)) end
elseif mt.getreply(conn) ~= SMFIR_CONTINUE and mt.getreply(conn) ~= SMFIR_ACCEPT then
    fm.fail("reply is not accept: " .. mt.getreply(conn))
end
mt.disconnect(conn)
