// The login page's script: it talks to the JSON API of login.go with fetch.
// The session cookie is HttpOnly, so this script never sees it: the browser
// sends it with every request to this site, and /api/me says who it is.
"use strict";

const form = document.getElementById("login");
const welcome = document.getElementById("welcome");
const loading = document.getElementById("loading");
const errorText = document.getElementById("error");

// show displays the logged-in state for user, or the form if user is null.
function show(user) {
  loading.hidden = true;
  form.hidden = user !== null;
  welcome.hidden = user === null;
  if (user !== null) {
    document.getElementById("greeting").textContent = "Logged in as " + user;
    document.getElementById("logout").focus();
  } else {
    document.getElementById("username").focus();
  }
}

// whoAmI asks the API who is logged in; null for nobody.
async function whoAmI() {
  const response = await fetch("/api/me");
  if (!response.ok) {
    return null;
  }
  return (await response.json()).user;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorText.textContent = "";
  try {
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        username: form.elements.username.value,
        password: form.elements.password.value,
      }),
    });
    const answer = await response.json();
    if (answer.code !== 0) {
      errorText.textContent = answer.message;
      form.elements.password.select();
      return;
    }
    form.reset();
    show(await whoAmI());
  } catch (err) {
    errorText.textContent = "The server could not be reached.";
  }
});

document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST" });
  show(null);
});

whoAmI().then(show, () => show(null));
