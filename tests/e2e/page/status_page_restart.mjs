// The status page when things go wrong: without its script a refused login comes back to the
// page, saying why in the page's language; with its script the page follows an agent that
// restarts on the same port (a new page cookie, the stream again) and shows the login made after.
// Environment: AGENT_URL, CHROMIUM, SHOTS, and RESTARTED: a file the test creates once the new
// agent is up and logged in. Prints "loaded" when the live page is open (the test then restarts
// the agent), and at the end what it saw, as one JSON object.
import fs from "node:fs";
import { launch, state, text } from "./browser.mjs";

const agent = process.env.AGENT_URL;
const seen = {};
const browser = await launch();
try {
  // No script: the form posts itself; the PIN dialog is cancelled; the browser lands on the page.
  const plain = await browser.newPage();
  await plain.setJavaScriptEnabled(false);
  await plain.setExtraHTTPHeaders({ "Accept-Language": "nl" });
  await plain.goto(agent + "/", { waitUntil: "load" });
  const [landed] = await Promise.all([plain.waitForNavigation({ timeout: 60000 }), plain.click("#login")]);
  seen.plain_status = landed ? landed.status() : null;
  seen.plain_url = plain.url();
  seen.plain_notice = await text(plain, "#notice");
  seen.plain_state = await state(plain);
  seen.plain_content_type = landed ? landed.headers()["content-type"] : null;
  if (!String(seen.plain_content_type).startsWith("text/html")) seen.plain_body = landed ? (await landed.text()).slice(0, 400) : null;
  await plain.screenshot({ path: `${process.env.SHOTS}/status-nl-refused-without-script.png`, fullPage: true });
  await plain.close();

  // The live page, then the agent restarts under it.
  const page = await browser.newPage();
  await page.goto(agent + "/", { waitUntil: "load" });
  await page.waitForSelector("#session");
  seen.before_restart = await state(page);
  seen.cookie_before = (await page.cookies()).map((c) => c.value).join();
  process.stdout.write("loaded\n");
  const deadline = Date.now() + 90000;
  while (!fs.existsSync(process.env.RESTARTED) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  seen.restarted = fs.existsSync(process.env.RESTARTED);
  await page.waitForSelector('#session[data-state="logged-in"]', { timeout: 60000 }).catch(() => {});
  seen.after_restart = await state(page);
  seen.name_after_restart = await text(page, "#practitioner-name");
  seen.cookie_after = (await page.cookies()).map((c) => c.value).join();
  await page.waitForFunction(() => document.querySelector("[data-hub]")?.className === "ok", { timeout: 15000 }).catch(() => {});
  seen.hub_after_restart = await text(page, "[data-hub]");
} catch (e) {
  seen.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen) + "\n");
