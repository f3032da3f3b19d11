// Bundled by esbuild for the benchmark page: the JS libraries tokenward is compared with.
import axios from "axios";
import createAuthRefreshInterceptor from "axios-auth-refresh";
import ky from "ky";

export { axios, createAuthRefreshInterceptor, ky };
