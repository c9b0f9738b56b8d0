-- tagonly.lua - in mode tag-only the dropper is not rejected; the header names the
-- would-be action (run.sh starts a second daemon with mode = tag-only)
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_DATA") .. "/invoice-zip-js.eml"))
if mt.getreply(conn) ~= SMFIR_CONTINUE and mt.getreply(conn) ~= SMFIR_ACCEPT then
    fm.fail("reply is not accept: " .. mt.getreply(conn))
end
if mt.eom_check(conn, MT_SMTPREPLY, "550") or mt.eom_check(conn, MT_QUARANTINE) then
    fm.fail("tag-only rejected or quarantined")
end
fm.expect_header(conn, "X-Fileless-Verdict",
                 "^reject; score=%d+%.%d+; ref=%x+; rules=%x+; mode=tag%-only; would=reject$")
mt.disconnect(conn)
