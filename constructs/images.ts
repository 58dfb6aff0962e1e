/**
 * Every image the catalog uses, pinned, in one place. Renovate bumps these lines through pull
 * requests (see renovate.json); nothing else in the repository names an image.
 */
export const IMAGES = {
  plex: "lscr.io/linuxserver/plex:1.42.2",
  seerr: "ghcr.io/seerr-team/seerr:v3.0.1",
  sonarr: "lscr.io/linuxserver/sonarr:4.0.16",
  radarr: "lscr.io/linuxserver/radarr:6.0.4",
  bazarr: "lscr.io/linuxserver/bazarr:1.5.3",
  prowlarr: "lscr.io/linuxserver/prowlarr:2.3.0",
  flaresolverr: "ghcr.io/flaresolverr/flaresolverr:v3.4.6",
  qbittorrent: "lscr.io/linuxserver/qbittorrent:5.1.4",
  maintainerr: "ghcr.io/maintainerr/maintainerr:2.19.0",
  tautulli: "lscr.io/linuxserver/tautulli:2.16.0",
  wizarr: "ghcr.io/wizarrrr/wizarr:2025.12.0",
  cloudflared: "cloudflare/cloudflared:2025.11.1",
  gluetun: "qmcgaw/gluetun:v3.40.3",
  kopia: "kopia/kopia:0.22.3",
  "uptime-kuma": "louislam/uptime-kuma:2.0.2",
} as const;
