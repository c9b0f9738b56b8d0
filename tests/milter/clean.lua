-- clean.lua - a harmless newsletter is accepted with a "clean" verdict header
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_DATA") .. "/newsletter.eml"))
if mt.getreply(conn) ~= SMFIR_CONTINUE and mt.getreply(conn) ~= SMFIR_ACCEPT then
    fm.fail("reply is not accept: " .. mt.getreply(conn))
end
if mt.eom_check(conn, MT_SMTPREPLY, "550") or mt.eom_check(conn, MT_SMTPREPLY, "451") then
    fm.fail("an SMTP reply was set")
end
fm.expect_header(conn, "X-Fileless-Verdict", "^clean; score=0%.00; ref=%x+; rules=%x+$")
mt.disconnect(conn)
