/**
 * Every image the catalog uses, pinned to a version tag and (where one was verifiable) the
 * multi-arch digest, in one place. Renovate bumps these lines through pull requests (see
 * renovate.json); nothing else in the repository names an image.
 */
export const IMAGES = {
  plex: "lscr.io/linuxserver/plex:1.43.4@sha256:3f71bd6eb6a4478ac19b11c5d0ba9746a5eacad1976f9b99ed4a2c21767e57bb",
  seerr: "ghcr.io/seerr-team/seerr:v3.5.0@sha256:27602401178d54f1964442287b9f23f67a3fa2252645ee8065839ea1c3f69e45",
  sonarr: "lscr.io/linuxserver/sonarr:4.0.20@sha256:f247545d23ba8b233d6604575347e48a623fe6ad75dda02348bf81917f3b5c06",
  radarr: "lscr.io/linuxserver/radarr:6.4.4@sha256:adb6c09d6b729ea5e642c99cea35af72702ef476bf4763f153299ac5db9f0b4f",
  bazarr: "lscr.io/linuxserver/bazarr:v1.6.0-ls362@sha256:a20fb11a440d704a9d61c283aa26462aad33dc63223b173f8d8c77d33e8e9d59",
  prowlarr: "lscr.io/linuxserver/prowlarr:2.5.2.5491-ls158@sha256:91844fa2c927ad6ede5630127183cc7868b175f6223e83e6a5da1fffea2aa782",
  flaresolverr: "ghcr.io/flaresolverr/flaresolverr:v3.5.0@sha256:139dfee1c6f89249c8d665d1333a42e8ec74ec0a86bc6bb1c8461e10d3a66a47",
  qbittorrent:
    "lscr.io/linuxserver/qbittorrent:5.2.3_v2.0.14-ls474@sha256:a00b6a597a3832a1814cde0ef60abc55c94644f3f80902c3432f6af6de8d4a96",
  maintainerr: "ghcr.io/maintainerr/maintainerr:3.24.0@sha256:2ac67f176a77f1e78d66b24c1b0d108c587abe1063f46ce75cfaa4cd06516a80",
  // Tag-only: see TAG_ONLY_IMAGES.
  tautulli: "lscr.io/linuxserver/tautulli:v2.17.2-ls240",
  wizarr: "ghcr.io/wizarrrr/wizarr:v2026.7.1@sha256:606f9b88b0303daae11f595e424756b588d9365021c53dcb4d1369f2efc0543c",
  cloudflared: "cloudflare/cloudflared:2026.7.3@sha256:e39ee8da81ad5e05d77f38d2f51c60ca51bf2a8450ac3abab50c17fdb91d91bf",
  gluetun: "qmcgaw/gluetun:v3.41.3@sha256:fa19cc76b2af13d57a8d3dc3066f2ada061b1c761b8aecf989b3877c0486e027",
  kopia: "kopia/kopia:0.22.3@sha256:4dcc208c1b191770bf4d0854f8deec06b4a16b35be4b63abdcfa9755cee7960e",
  "uptime-kuma": "louislam/uptime-kuma:2.5.5@sha256:c74379ac4509ce2d2c2633f509e67003ee2e45b6e995c5e43fc101f45a0e1fbe",
  // Digest as pinned for docker.io/linuxserver/jellyfin at this tag (LinuxServer pushes one manifest list to every registry).
  jellyfin: "lscr.io/linuxserver/jellyfin:10.11.11ubu2404-ls41@sha256:32aa0d4565c633db95af29a58e8a5dc9becdfa58564a3aea68436623fd45f5a1",
  lidarr: "lscr.io/linuxserver/lidarr:3.1.0@sha256:c47f24220fd018c4d114813d9e8d9682fdb6eb47fad99f9895dbe3a40203108f",
  sabnzbd: "lscr.io/linuxserver/sabnzbd:4.5.5-ls244@sha256:1a26f56dfc047b62d5ddc20bc92bdebfbe7c3cb58d2d3523958838a09182d77a",
  unpackerr: "golift/unpackerr:0.15.2@sha256:057e34740d26c34d81ec8e2faf8ec11f8dbfc77489b7a42826f52b37e5ee1b6c",
  recyclarr: "ghcr.io/recyclarr/recyclarr:8.7.3@sha256:9c6c74d52cfc6f740a5a3624aa83867e171bb70b90453ddb7a4048b8c80445f9",
} as const;

/**
 * Images of the host's support services (not apps with a UI), pinned the same way.
 * Digests as published for these tags; kept here so Renovate bumps them with the rest.
 */
export const SUPPORT_IMAGES = {
  // The official HAProxy image (the program tecnativa's proxy wraps), run with servarr's own
  // generated rules. This digest of 3.2.23-alpine is the one three independent public files pin
  // (read 2026-11-27); the tag is rebuilt with Alpine updates, so Renovate moves the digest on.
  socketProxy: "haproxy:3.2.23-alpine@sha256:0666a2c2f41d341084ed2da85392b48cdcd766adfa28231f31305724ed5c6ea5",
  autoheal: "willfarrell/autoheal:1.2.0@sha256:31f580ef0279eaced5b38d631b08c474d70d8403c1c2fdd6ddcf2e879d5f3f7c",
  // Runs the wire job and the keys jobs (wire/*.ts, type-stripped by Node 24). This digest of
  // 24.11.1-alpine is the one four independent public Dockerfiles pin (read 2026-12-03).
  node: "node:24.11.1-alpine@sha256:682368d8253e0c3364b803956085c456a612d738bd635926d73fa24db3ce53d7",
  diun: "crazymax/diun:4.33.0@sha256:e324b793eb32dfb7f74d3a39421ebf090141caaadee69b8f78da63112408ee25",
} as const;

/** An image reference without its tag and digest: what identifies the image across versions. */
export const imageRepository = (image: string) => image.replace(/@.*$/, "").replace(/:[^/]*$/, "");

/**
 * The policy for an image without a digest, made explicit: each is named here with why; a test
 * fails on any other tag-only image. A config with `imagePolicy: "digest"` refuses these, so an
 * owner who wants every image digest-pinned overrides the preset's image.
 */
export const TAG_ONLY_IMAGES: Partial<Record<keyof typeof IMAGES, string>> = {
  tautulli:
    "no public file pins a digest of LinuxServer's v2.17.2-ls240 and no registry is reachable from here to read one; " +
    "the official image tautulli/tautulli:v2.17.2@sha256:864245fb24830ef6516b5f383bf4d8ba37939ae2f0574dc0217ca02fba4301ff " +
    "is pinned by two public files (read 2026-12-03; not read from a registry), but its start script differs (it adds the app user to the root group) and was not run here",
};
