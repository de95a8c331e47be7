// Choosing a page on a narrow screen (a tablet held upright, a phone) closes the sidebar, as a
// reader expects of a menu: Streamlit closes it itself only for a phone's user agent. Served from
// the app's own address (dashboard/ui/page_script.py), as the deployment's Content-Security-Policy
// requires (script-src 'self'); it reads and changes nothing but the sidebar.
(() => {
  if (window.ascgovClosesSidebar) return;
  window.ascgovClosesSidebar = true;
  const NARROW = 1024; // CSS pixels: below this the sidebar covers much of the page
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest("[data-testid='stSidebarNav'] a");
      if (!link || window.innerWidth >= NARROW) return;
      // after Streamlit has taken the click to change page
      setTimeout(() => {
        const sidebar = document.querySelector("[data-testid='stSidebar']");
        if (sidebar && sidebar.getAttribute("data-collapsed") !== "true") {
          document.querySelector("[data-testid='stSidebarCollapseButton'] button")?.click();
        }
      }, 0);
    },
    true,
  );
})();
