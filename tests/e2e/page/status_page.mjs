// Drives Debian's chromium (headless, through puppeteer-core) against the agent's status page,
// as a practitioner and as a page of another origin would use it. Prints what it saw as one JSON
// object; the GoogleTest (status_page_test.cpp) judges it. Environment: AGENT_URL
// (http://127.0.0.1:PORT), SHOTS (where the screenshots go), CHROMIUM (the browser).
import http from "node:http";
import { launch, state, text } from "./browser.mjs";

const agent = process.env.AGENT_URL;
const shots = process.env.SHOTS;
const seen = {};

// Another origin on the same machine (same site, even: cookies with SameSite=Strict still go),
// whose page tries to read the agent's page data and to post its logout form.
const evil = http.createServer((request, response) => {
  response.writeHead(200, { "Content-Type": "text/html" });
  response.end(`<!DOCTYPE html><html><body><form id="f" method="post" action="${agent}/page/logout"></form>
<script>
fetch("${agent}/page/v1/hubs", { credentials: "include" })
  .then((r) => { document.title = "read " + r.status; }, (e) => { document.title = "blocked " + e.name; });
</script></body></html>`);
});
await new Promise((resolve) => evil.listen(0, "127.0.0.1", resolve));
const evilUrl = `http://127.0.0.1:${evil.address().port}/`;

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  // The page keeps its event stream open: "load", never "network idle".
  const first = await page.goto(agent + "/", { waitUntil: "load" });
  await page.waitForSelector("#session");
  seen.status = first.status();
  seen.csp = first.headers()["content-security-policy"] || "";
  seen.cookie = (await page.cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }));
  seen.name = await text(page, "#practitioner-name");
  seen.before = await state(page);
  seen.readers = await text(page, "#readers");
  await page.screenshot({ path: `${shots}/status-en-logged-out.png`, fullPage: true });

  // Log in through the page: the PIN dialogs are the scripted pinentry's.
  await page.click("#login");
  await page.waitForSelector('#session[data-state="logged-in"]', { timeout: 60000 });
  await page.waitForFunction(() => /\d/.test(document.getElementById("expires-in")?.textContent || ""), { timeout: 10000 });
  seen.after_login = await state(page);
  seen.expires = await page.$eval("#token-expiry", (e) => e.dataset.expires).catch(() => null);
  seen.expires_in_first = await text(page, "#expires-in");
  await new Promise((r) => setTimeout(r, 2100));
  seen.expires_in_later = await text(page, "#expires-in");
  await page.waitForFunction(() => document.querySelector("[data-hub]")?.className === "ok", { timeout: 15000 }).catch(() => {});
  seen.hub = await text(page, "[data-hub]");
  seen.activity = await text(page, "#activity");
  await page.screenshot({ path: `${shots}/status-en-logged-in.png`, fullPage: true });

  // The page in each language the browser may ask for (Accept-Language), logged in.
  seen.titles = {};
  for (const language of ["nl", "fr", "de"]) {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1200, height: 900 });
    await tab.setExtraHTTPHeaders({ "Accept-Language": language });
    await tab.goto(agent + "/", { waitUntil: "load" });
    await tab.waitForSelector("#session");
    await tab.waitForFunction(() => /\d/.test(document.getElementById("expires-in")?.textContent || ""), { timeout: 10000 });
    seen.titles[language] = { h1: await text(tab, "h1"), lang: await tab.$eval("html", (e) => e.lang), countdown: await text(tab, "#expires-in") };
    await tab.screenshot({ path: `${shots}/status-${language}-logged-in.png`, fullPage: true });
    await tab.close();
  }
  await page.bringToFront();

  // A page of another origin: its fetch is refused, its form post is refused, the session stays.
  const other = await browser.newPage();
  await other.goto(evilUrl, { waitUntil: "networkidle0" });
  await other.waitForFunction(() => document.title !== "", { timeout: 10000 }).catch(() => {});
  seen.evil_fetch = await other.title();
  const [posted] = await Promise.all([other.waitForNavigation({ timeout: 10000 }), other.$eval("#f", (f) => f.submit())]);
  seen.evil_post = posted ? posted.status() : null;
  seen.evil_post_body = posted ? (await posted.text()).slice(0, 300) : null;
  await other.close();
  await page.bringToFront();  // a tab in the background gets no time for its scripts
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("#session");
  seen.after_evil = await state(page);

  // Log out through the page; the page follows without a reload of its own.
  await page.click("#logout");
  await page.waitForSelector('#session[data-state="logged-out"]', { timeout: 20000 });
  seen.after_logout = await state(page);
  await page.screenshot({ path: `${shots}/status-en-after-logout.png`, fullPage: true });
} catch (e) {
  seen.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
  evil.close();
}
process.stdout.write(JSON.stringify(seen) + "\n");
