export { Serving, type ServingArgs } from "./Serving";
