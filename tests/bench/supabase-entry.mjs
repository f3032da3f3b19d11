// Bundled by esbuild: supabase auth-js, for the init-time comparison.
export { GoTrueClient } from "@supabase/auth-js";
