// What the status page scripts share: Debian's chromium through puppeteer-core, and how they read
// the page. CHROMIUM names the browser.
import puppeteer from "puppeteer-core";

export function launch() {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    protocolTimeout: 60000,
  });
}

export const text = (page, selector) => page.$eval(selector, (e) => e.textContent.trim()).catch(() => null);
export const state = (page) => page.$eval("#session", (e) => e.dataset.state).catch(() => null);
