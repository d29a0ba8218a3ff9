// Drives the serve page in headless Chromium: node serve_browser.js URL CHROMIUM DOWNLOADS SHOTS.
// Exit 1 on the first failed expectation, with what was seen.
const puppeteer = require("puppeteer-core");
const [url, chromium, downloads, shots] = process.argv.slice(2);

function fail(what) {
  console.error("FAIL: " + what);
  process.exitCode = 1;
  throw new Error(what);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1600, height: 1100 });
    // A 400 is expected once below (a value out of range typed in); any other error is not.
    page.on("pageerror", (e) => problems.push("page error: " + e.message));
    page.on("console", (m) => { if (m.type() === "error" && !/status of 400/.test(m.text())) problems.push("console: " + m.text()); });
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });

    const evaluations = () => page.$eval("body", (b) => Number(b.getAttribute("data-evaluated") || 0));
    const settle = async (before) => {
      await page.waitForFunction((n) => Number(document.body.getAttribute("data-evaluated") || 0) > n,
        { timeout: 20000 }, before);
      await new Promise((r) => setTimeout(r, 300));  // a queued re-evaluation, if any
    };
    const h20 = () => page.$eval('#chart-bandwidth g.chip[data-chip="nvidia-h20"]', (g) => ({
      verdict: g.getAttribute("data-verdict"), fill: g.querySelector("[fill]").getAttribute("fill") }));
    const slide = async (name, value) => {
      const before = await evaluations();
      await page.$eval(`input[type=range][data-param="${name}"]`, (r, v) => {
        r.value = v; r.dispatchEvent(new Event("input", { bubbles: true }));
      }, String(value));
      await settle(before);
    };

    await page.goto(url, { waitUntil: "networkidle0" });
    await page.waitForSelector('#chart-bandwidth g.chip[data-chip="nvidia-h20"]', { timeout: 20000 });
    let before = await evaluations();
    await page.select("#regime", "us-2025-04-h20");
    await settle(before);
    const caught = await h20();
    if (caught.verdict !== "controlled") fail("the H20 is controlled under us-2025-04-h20: " + JSON.stringify(caught));
    const sliders = await page.$$eval("#params .param", (ps) => ps.map((p) => p.getAttribute("data-param")));
    for (const p of ["dram_cap", "io_cap", "combined_cap", "tpp_a"])
      if (!sliders.includes(p)) fail(`a slider for ${p} (own and inherited parameters): ${sliders}`);

    // The memory-bandwidth cap above the H20's 4,000 GB/s. Its combined memory + interconnect
    // bandwidth (4,900 GB/s) is still above the combined cap, so it stays caught until that
    // cap moves too; the breakpoint panel says where the H20 would flip on this slider.
    await slide("dram_cap", 4100);
    const stillCaught = await h20();
    if (stillCaught.verdict !== "controlled") fail("with only dram_cap moved the combined cap still catches the H20");
    await slide("combined_cap", 5000);
    const released = await h20();
    if (released.verdict === caught.verdict || released.fill === caught.fill)
      fail(`the H20 changes colour: ${JSON.stringify(caught)} -> ${JSON.stringify(released)}`);
    const diff = await page.$eval("#diff", (d) => d.textContent);
    if (!/H20/.test(diff) || !/released/.test(diff)) fail("the diff panel lists the H20 as released: " + diff);
    const summary = await page.$eval("#diff-summary", (d) => d.textContent);
    const points = await page.$$eval("#breakpoints li", (l) => l.map((x) => x.textContent));
    if (!points.some((t) => /H20/.test(t))) fail("the breakpoints panel names the H20: " + points.join(" | "));

    // The chip whose name is markup: shown as text, never run.
    const xss = await page.evaluate(() => window.__xss);
    if (xss !== undefined) fail("a chip name ran as markup (window.__xss = " + xss + ")");
    const names = await page.$$eval("#chips tbody td:first-child", (t) => t.map((x) => x.textContent));
    if (!names.some((n) => n.includes("<script>"))) fail("the chip named <script> is listed as text");

    await page.screenshot({ path: `${shots}/serve.png`, fullPage: true });
    await page.screenshot({ path: `${shots}/serve-view.png` });

    // An explanation: click the H20's marker.
    await page.click('#chart-bandwidth g.chip[data-chip="nvidia-h20"] [fill]');
    await page.waitForSelector("#explain[open]", { timeout: 10000 });
    const text = await page.$eval("#explain-text", (p) => p.textContent);
    if (!/H20/.test(text) || !/combined_cap|memory_bandwidth/.test(text)) fail("the explanation of the H20: " + text.slice(0, 300));
    const headline = await page.$eval("#explain-verdict", (p) => p.textContent);
    if (!/not controlled/.test(headline)) fail("the explanation's headline gives the verdict: " + headline);
    await page.screenshot({ path: `${shots}/serve-explain.png` });
    await page.click("#explain button");

    // A bad value typed in: the page shows the refusal and keeps working.
    await page.$eval('input[type=number][data-param="io_cap"]', (n) => {
      n.value = "99999999"; n.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.waitForSelector("#error:not([hidden])", { timeout: 10000 });
    const error = await page.$eval("#error", (e) => e.textContent);
    if (!/out of range/.test(error)) fail("a value out of range is refused on the page: " + error);
    before = await evaluations();
    await page.$eval('input[type=number][data-param="io_cap"]', (n) => {
      n.value = "1100"; n.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await settle(before);

    await page.click("#download");
    for (let i = 0; i < 50; i++) {
      if (require("fs").readdirSync(downloads).some((f) => f.endsWith(".rules"))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (problems.length) fail(problems.join("\n"));
    console.log("serve_browser.js: " + summary);
  } finally {
    await browser.close();
  }
})().catch((e) => { if (!process.exitCode) { console.error("FAIL: " + e.message); process.exitCode = 1; } });
