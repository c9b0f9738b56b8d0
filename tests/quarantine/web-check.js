// web-check.js - the review page in headless Chromium (playwright-core, executablePath
// /usr/bin/chromium): log in through the form, open the list and the detail page of the
// XSS message; record every dialog (alert), every request to a host other than 127.0.0.1,
// the number of <script>, <img> and <iframe> elements and the visible text; save
// screenshots. Prints one JSON object. Env: PW_DIR BASE WEB_USER WEB_PASS ITEM OUT_DIR
const { chromium } = require(process.env.PW_DIR + "/node_modules/playwright-core");

(async () => {
    const base = process.env.BASE;
    const r = { dialogs: [], foreign: [], requests: 0 };
    const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("dialog", async (d) => { r.dialogs.push(d.message()); await d.dismiss(); });
    page.on("request", (q) => {
        r.requests++;
        const u = new URL(q.url());
        if (u.hostname !== "127.0.0.1") r.foreign.push(q.url());
    });
    await page.goto(base + "/");
    r.login_url = page.url();
    await page.fill("input[name=user]", process.env.WEB_USER);
    await page.fill("input[name=password]", process.env.WEB_PASS);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    r.after_login = page.url();
    const count = async (sel) => page.locator(sel).count();
    r.list = { scripts: await count("script"), imgs: await count("img"), iframes: await count("iframe"),
               text: await page.innerText("body") };
    await page.screenshot({ path: process.env.OUT_DIR + "/quarantine-web-list.png" });
    await page.goto(base + "/item/" + process.env.ITEM);
    r.item = { scripts: await count("script"), imgs: await count("img"), iframes: await count("iframe"),
               metas: await count("meta[http-equiv]"), links: await count("link[href^=http]"),
               text: await page.innerText("body") };
    await page.screenshot({ path: process.env.OUT_DIR + "/quarantine-web.png" });
    await page.waitForTimeout(500); // a delayed handler would fire now
    await browser.close();
    console.log(JSON.stringify(r));
})().catch((e) => { console.log(JSON.stringify({ error: String(e) })); process.exit(1); });
